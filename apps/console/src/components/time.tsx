/** A timestamp in the reader's time zone, the exact value on hover. */
export function Time({ value }: { value?: string | null }) {
  if (!value) return <span>—</span>;
  return (
    <time dateTime={value} title={value}>
      {new Date(value).toLocaleString()}
    </time>
  );
}
