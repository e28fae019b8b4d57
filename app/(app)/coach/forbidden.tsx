import { RoleForbidden } from "@/components/layout/role-forbidden";

/** HTTP 403 for the /coach pages' own requireRole("coach") (issue 18 point 9: say why, no silent redirect). */
export default function Forbidden() {
  return <RoleForbidden required={["coach"]} />;
}
