import { useState } from 'react';

/** JSON shown as a tree whose objects and arrays collapse. Deep or large nodes start collapsed. */
export function JsonTree(props: { value: unknown }) {
  return (
    <div className="json" role="tree">
      <JsonNode value={props.value} depth={0} />
    </div>
  );
}

function JsonNode(props: { value: unknown; depth: number; name?: string; last?: boolean }) {
  const { value, depth } = props;
  const isArr = Array.isArray(value);
  const isObj = value !== null && typeof value === 'object';
  const entries = isObj ? (isArr ? (value as unknown[]).map((v, i) => [String(i), v] as const) : Object.entries(value as object)) : [];
  const [open, setOpen] = useState(depth < 2 && entries.length <= 200);
  const comma = props.last === false ? ',' : '';
  // Array items carry no key; object members show theirs.
  const label = props.name !== undefined ? <span className="k">{`${JSON.stringify(props.name)}: `}</span> : null;
  if (!isObj) {
    return (
      <div role="treeitem">
        {label}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }
  const [o, c] = isArr ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div role="treeitem">
        {label}
        {o}
        {c}
        {comma}
      </div>
    );
  }
  return (
    <div role="treeitem" aria-expanded={open}>
      <button className="toggle" onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      {o}
      {open ? (
        <div className="nest" role="group">
          {entries.map(([k, v], i) => (
            <JsonNode key={k} {...(isArr ? {} : { name: k })} value={v} depth={depth + 1} last={i === entries.length - 1} />
          ))}
        </div>
      ) : (
        <span className="z"> {isArr ? `${entries.length} items` : `${entries.length} keys`} </span>
      )}
      {c}
      {comma}
    </div>
  );
}

function Scalar(props: { value: unknown }) {
  const v = props.value;
  if (typeof v === 'string') return <span className="s">{JSON.stringify(v)}</span>;
  if (typeof v === 'number') return <span className="n">{String(v)}</span>;
  if (typeof v === 'boolean') return <span className="b">{String(v)}</span>;
  return <span className="z">null</span>;
}
