import { Fragment, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { isAtEnd, scrollToReveal, visibleRange } from '../../model/windowing';

/**
 * A fixed-row-height list that renders only the rows on screen (plus a few),
 * so 100k rows cost what 40 do. Keyboard: up/down move the selection, enter
 * opens it, home/end jump. In `follow` mode it stays pinned to the end while
 * the user is there. role=grid with aria-rowcount and role=row children are
 * also what the renderer benchmark (bench/extras/renderer.ts) reads.
 */
/** More than any screen shows at once: slot keys stay stable while the list scrolls by a few rows. */
const SLOTS = 512;

export function WindowedList(props: {
  count: number;
  rowHeight: number;
  /** The row element (no key: the list keys rows by slot). */
  renderRow: (index: number, top: number) => ReactNode;
  selectedIndex: number;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  follow: boolean;
  label: string;
}) {
  const { count, rowHeight, selectedIndex, follow } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Follow mode: keep the end in view while new rows arrive, unless the user scrolled away.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !follow || !pinned.current) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [count, follow]);

  // Keep the selection visible when it moves.
  useEffect(() => {
    const el = ref.current;
    if (!el || selectedIndex < 0) return;
    const next = scrollToReveal(selectedIndex, el.scrollTop, el.clientHeight, rowHeight);
    if (next !== null) el.scrollTop = next;
  }, [selectedIndex, rowHeight]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    pinned.current = isAtEnd(el.scrollTop, el.clientHeight, el.scrollHeight, rowHeight);
    setScrollTop(el.scrollTop);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (count === 0) return;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const move = (i: number) => {
      e.preventDefault();
      props.onSelect(Math.max(0, Math.min(count - 1, i)));
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(selectedIndex < 0 ? 0 : selectedIndex + 1);
      case 'ArrowUp':
        return move(selectedIndex < 0 ? 0 : selectedIndex - 1);
      case 'PageDown':
        return move(selectedIndex + page);
      case 'PageUp':
        return move(selectedIndex - page);
      case 'Home':
        return move(0);
      case 'End':
        return move(count - 1);
      case 'Enter':
        if (selectedIndex >= 0) {
          e.preventDefault();
          props.onOpen(selectedIndex);
        }
    }
  };

  const { start, end } = visibleRange(scrollTop, height, rowHeight, count);
  // Rows are keyed by their slot on screen, not by what they show: when new
  // exchanges push every row down (newest first, or follow), React rewrites the
  // text of the row elements already there instead of removing and creating a
  // screenful of elements on every frame.
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) rows.push(<Fragment key={i % SLOTS}>{props.renderRow(i, i * rowHeight)}</Fragment>);

  return (
    <div
      ref={ref}
      className="list-viewport"
      tabIndex={0}
      role="grid"
      aria-label={props.label}
      aria-rowcount={count}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      <div className="list-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
