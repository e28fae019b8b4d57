import { apiReferencePage } from "@/lib/api/docs";
import { withPermission } from "@/lib/route";

/** GET /api/v1/docs: the interactive API reference, for admins (`api_keys.manage`); others get 403, anonymous visitors /login. */
export const GET = withPermission("api_keys.manage", () => apiReferencePage());
