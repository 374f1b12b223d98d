/** A tiny history router: `/` (study list) and `/viewer/<mode route>?StudyInstanceUIDs=...`. */
import { useEffect, useState } from 'react';

export function navigate(url: string) {
  history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): URL {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const on = () => setHref(location.href);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return new URL(href);
}

export function viewerUrl(route: string, studyUID: string, dataSource: string): string {
  const q = new URLSearchParams({ StudyInstanceUIDs: studyUID, dataSource });
  return `/viewer/${encodeURIComponent(route)}?${q}`;
}
