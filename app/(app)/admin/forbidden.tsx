import { RoleForbidden } from "@/components/layout/role-forbidden";

/** HTTP 403 for the /admin pages' own requireRole("admin") (issue 18 point 9: say why, no silent redirect). */
export default function Forbidden() {
  return <RoleForbidden required={["admin"]} />;
}
