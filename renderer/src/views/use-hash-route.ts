import { useCallback, useEffect, useState } from 'react';

/** "#/traffic/e12" -> ["traffic", "e12"]. The hash keeps the view across reloads and is easy to link. */
export function useHashRoute(): [string[], (parts: string[]) => void] {
  const read = () =>
    window.location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = useCallback((next: string[]) => {
    const hash = `#/${next.map(encodeURIComponent).join('/')}`;
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
    setParts(next);
  }, []);
  return [parts, go];
}
