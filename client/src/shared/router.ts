import { useEffect, useState } from 'preact/hooks';

export { href, parseRoute, type Route } from './routes';

export function navigate(to: string) {
  if (location.hash !== to) location.hash = to;
}

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}
