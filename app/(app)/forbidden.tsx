import { RoleForbidden } from "@/components/layout/role-forbidden";

/**
 * HTTP 403 for a role check in a layout directly under (app): a segment's own forbidden.tsx covers its pages but
 * not its layout. The only such layout is /admin's (requireRole("admin")); the /coach and /connections pages
 * land in their own section's forbidden.tsx. A new role-gated layout here must say which role it is for.
 */
export default function Forbidden() {
  return <RoleForbidden required={["admin"]} />;
}
