/**
 * Client routing on the History API: real URLs (/so-dong-von?line=...), so a page can be bookmarked, shared and
 * reloaded; the ledger answers index.html for any page a browser opens. Each view keeps its filters in the
 * query string.
 */
import { AnchorHTMLAttributes, MouseEvent, ReactNode, useCallback, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, 'http://app');
  return { path: url.pathname, query: url.searchParams };
}

/** Query-string state of a page: read a parameter, or set several at once (replacing the history entry). */
export function useQueryState(): [URLSearchParams, (changes: Record<string, string | number | null | undefined>, push?: boolean) => void] {
  const { path, query } = useLocation();
  const set = useCallback(
    (changes: Record<string, string | number | null | undefined>, push = false) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === undefined || v === '') next.delete(k);
        else next.set(k, String(v));
      }
      const qs = next.toString();
      navigate(`${window.location.pathname}${qs ? `?${qs}` : ''}`, { replace: !push });
    },
    [path],
  );
  return [query, set];
}

export function href(path: string, query: Record<string, string | number | undefined | null> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A real link (keyboard, middle-click and "open in new tab" work) that navigates inside the app. */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}
