import { FIELD_CLASS, LABEL_CLASS } from "@/components/ui/form-fields";
import { integrations } from "@/lib/integrations/registry";

/** The labelled "Service" select of the admin filter forms (`name="service"`, empty for all services). */
export function ServiceFilter({ value }: { value?: string }) {
  return (
    <div>
      <label htmlFor="service" className={LABEL_CLASS}>
        Service
      </label>
      <select id="service" name="service" defaultValue={value ?? ""} className={FIELD_CLASS}>
        <option value="">All services</option>
        {integrations().map((i) => (
          <option key={i.id} value={i.id}>
            {i.name}
          </option>
        ))}
      </select>
    </div>
  );
}
