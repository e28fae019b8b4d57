import { z } from "zod";

/**
 * STUB (apiroutes branch): the API-keys branch owns this file; the lead takes its version at merge. Same exports.
 *
 * RFC 9457 problem details: every error answer of /api/v1 is `application/problem+json` with this body.
 * Extension members (e.g. `connection_status`) may follow (RFC 9457 §3.2), so the object is open.
 */
export const ProblemSchema = z
  .looseObject({
    type: z.string().meta({ description: "A URI naming the problem type (`about:blank` when the status says it all).", example: "about:blank" }),
    title: z.string().meta({ description: "A short summary of the problem type.", example: "Not Found" }),
    status: z.number().int().meta({ description: "The HTTP status code of this answer.", example: 404 }),
    detail: z.string().optional().meta({ description: "What happened in this case, and what to do next." }),
    instance: z.string().optional().meta({ description: "A URI naming this occurrence." }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "For invalid requests: each invalid input, as `<where>.<field>` and a sentence." }),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem details object." });

/** A problem's body before the status is added: `title` required, `type` defaulting to `about:blank`, extensions allowed. */
export type ProblemBody = { type?: string; title: string; detail?: string; [extension: string]: unknown };

/** Thrown by handlers and the functions they call to answer with a problem (withApiKey turns it into the answer). */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
    readonly headers?: Record<string, string>,
  ) {
    super(body.detail ?? body.title);
  }
}

/** An `application/problem+json` answer (RFC 9457 §3) with `status` in the body too, `Cache-Control: no-store`. */
export function problemResponse(status: number, body: ProblemBody, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify({ ...body, type: body.type ?? "about:blank", status }), {
    status,
    headers: { ...headers, "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
  });
}

/** The problem type URI of `slug`: `urn:problem-type:trainlink:<slug>`. */
export function problemType(slug: string): string {
  return `urn:problem-type:trainlink:${slug}`;
}

/**
 * `value` parsed with `schema`; throws ApiProblem 400 (`problemType("invalid-request")`, `errors` listing each
 * invalid input as `<where>.<path>` and zod's message) when it does not fit.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "path" | "query" | "body"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ApiProblem(400, {
    type: problemType("invalid-request"),
    title: "Invalid request",
    detail: `The request's ${where === "body" ? "body" : `${where} parameters`} are not valid; see errors.`,
    errors: parsed.error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join("."), message: issue.message })),
  });
}
