/**
 * Above every page: whether the figures can be trusted as current. The read models are being built from the log at the
 * server's start (a rebuild: until it is done every table is empty), or they stopped at an event they cannot fold (every
 * figure is as of that position). Asked of `/read-models/status`, again while either lasts; nothing is shown otherwise.
 */
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { ReadModelStatus, noticeOf } from '../read-model-status';
import { useSession } from '../session';

/** How often the status is asked again: every 2 s while a rebuild runs, 15 s otherwise. */
const REBUILDING_POLL_MS = 2_000;
const POLL_MS = 15_000;

export function ReadModelNotice() {
  const { t } = useI18n();
  const session = useSession();
  const [status, setStatus] = useState<ReadModelStatus | null>(null);
  const [sawRebuild, setSawRebuild] = useState(false);

  useEffect(() => {
    if (!session) return;
    let over = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      let next: ReadModelStatus | null = null;
      try {
        next = await api.get<ReadModelStatus>('/read-models/status');
      } catch {
        // Unreachable for a moment: the pages say so themselves; the notice keeps what it last knew.
      }
      if (over) return;
      if (next) {
        setStatus(next);
        if (next.rebuilding) setSawRebuild(true);
      }
      timer = setTimeout(() => void ask(), next?.rebuilding ? REBUILDING_POLL_MS : POLL_MS);
    };
    void ask();
    return () => {
      over = true;
      clearTimeout(timer);
    };
  }, [session]);

  const notice = session && status ? noticeOf(status, sawRebuild, t) : null;
  if (!notice) return null;
  return (
    <div className={`notice read-models ${notice.kind === 'stopped' ? 'notice-error' : notice.kind === 'rebuilt' ? 'notice-ok' : ''}`} role="status" data-testid="read-model-notice">
      <p>{notice.text}</p>
      {notice.kind === 'rebuilt' && (
        <button type="button" onClick={() => window.location.reload()}>
          {t('readModels.reload')}
        </button>
      )}
    </div>
  );
}
