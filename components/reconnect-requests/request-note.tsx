import { LocalTime } from "@/components/ui/local-time";

/** The athlete's card note of an open request: "<Coach name> asked you to reconnect on <date>." */
export function RequestNote({ askedBy, askedAt }: { askedBy: string | null; askedAt: Date }) {
  return (
    <p role="note" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900">
      {askedBy ?? "Your coach"} asked you to reconnect on <LocalTime ms={askedAt.getTime()} style="day" />.
    </p>
  );
}
