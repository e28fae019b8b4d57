import { z } from "zod";

/**
 * An RFC 9457 problem details object (§3), as every `/api/v1` error answers with `application/problem+json`:
 * `type` (a URI; "about:blank" when the status says it all), `title` (short, the same for every occurrence of the
 * type), `status`, `detail` (one sentence for this occurrence: what to do next), `instance` (the request's path),
 * `errors` (for invalid input: where, and what is wrong) and any extension members (§3.2).
 */
export const ProblemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'A URI naming the problem type; "about:blank" when the HTTP status says it all.' }),
    title: z.string().meta({ description: "A short summary of the problem type." }),
    status: z.number().int().min(400).max(599).meta({ description: "The HTTP status code." }),
    detail: z.string().optional().meta({ description: "What went wrong this time, and what to do next." }),
    instance: z.string().optional().meta({ description: "The path of the request that failed." }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "For invalid input: each problem's location (e.g. `query.limit`) and message." }),
  })
  .meta({
    id: "Problem",
    description: "An error, as RFC 9457 problem details (application/problem+json). Extension members may follow.",
    example: {
      type: "urn:problem-type:trainlink:invalid-request",
      title: "Invalid request",
      status: 400,
      detail: "The request's query is not valid: see errors.",
      instance: "/api/v1/athletes",
      errors: [{ path: "query.limit", message: "Too big: expected number to be <=200" }],
    },
  });

/** What a problem says besides its status: `type` defaults to "about:blank"; extension members allowed (RFC 9457 §3.2). */
export type ProblemBody = { type?: string; title: string; detail?: string; [extension: string]: unknown };

/**
 * A refusal a handler (or parseInput, readJsonBody) throws; withApiKey answers it with problemResponse(status,
 * body, headers). Its message is the title, never anything secret.
 */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
    readonly headers?: Record<string, string>,
  ) {
    super(body.title);
  }
}

/**
 * An RFC 9457 answer: JSON `{ type, title, status, …body }` (`type` "about:blank" unless given, §4.2.1; `status`
 * always the HTTP status) with `Content-Type: application/problem+json` (§3), `Cache-Control: no-store`, and
 * `headers` (e.g. `Retry-After`). withApiKey adds `instance` (the request's path) when the body has none.
 */
export function problemResponse(status: number, body: ProblemBody, headers?: Record<string, string>): Response {
  const { type = "about:blank", title, ...rest } = body;
  return new Response(JSON.stringify({ type, title, status, ...rest }), {
    status,
    headers: { ...headers, "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
  });
}

/** The URI of a TrainLink problem type: `urn:problem-type:trainlink:<slug>` (RFC 9457 §3.1.1, a non-resolvable URN). */
export function problemType(slug: string): string {
  return `urn:problem-type:trainlink:${slug}`;
}

/**
 * Validates `value` (a request's path parameters, query or JSON body, as `where` says) with `schema` and returns
 * the parsed output. Throws ApiProblem 400 (`problemType("invalid-request")`) otherwise, with `errors`: each issue's
 * location (`where` + its path, e.g. `query.limit`, `body.events.0`) and zod's message.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "path" | "query" | "body"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  throw new ApiProblem(400, {
    type: problemType("invalid-request"),
    title: "Invalid request",
    detail: `The request's ${where === "path" ? "path" : where} is not valid: correct the fields listed in errors and try again.`,
    errors,
  });
}
