/** The parts of a tool definition an admin reviews, in the order a client reads them. */
const PARTS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'];

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value, null, 2);
}

/**
 * A changed definition against its pin, part by part: each part that differs is shown as it
 * was pinned and as the server declares it now; the parts that did not change are named.
 */
export function DefinitionDiff({
  pinned,
  current,
}: {
  pinned: Record<string, unknown>;
  current: Record<string, unknown>;
}) {
  const keys = [
    ...PARTS,
    ...Object.keys({ ...pinned, ...current }).filter((k) => !PARTS.includes(k)),
  ];
  const changed = keys.filter((k) => shown(pinned[k]) !== shown(current[k]));
  const same = keys.filter((k) => !changed.includes(k) && (k in pinned || k in current));
  return (
    <div className="definition-diff" data-testid="definition-diff">
      {changed.map((k) => (
        <div key={k} className="diff-part" data-part={k}>
          <h5>{k} changed</h5>
          <div className="diff-sides">
            <figure>
              <figcaption>pinned</figcaption>
              <pre className="diff-old">{shown(pinned[k])}</pre>
            </figure>
            <figure>
              <figcaption>now</figcaption>
              <pre className="diff-new">{shown(current[k])}</pre>
            </figure>
          </div>
        </div>
      ))}
      {same.length > 0 ? <p className="diff-same">Unchanged: {same.join(', ')}</p> : null}
    </div>
  );
}
