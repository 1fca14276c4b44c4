import type { SqlStatement } from '../shared/sql-database';
import type { RecordedEvent } from '../../events';
import type { ProgressProjector } from '../progress/progress.projector';
import type { Projector, ProjectorHost } from '../read-model';
import { centsParam } from '../shared/cents';
import { dateToInt } from '../shared/context';
import type { RecordedLedger } from '../shared/recorded';
import { placeholders } from '../shared/sql';
import { adjustmentOf } from './adjustments.fold';
import { ADJUSTMENT_TABLES } from './adjustments.tables';

/** Lists each adjustment, with the activity as it was just before (from the progress, applied before). */
export class AdjustmentsProjector implements Projector {
  private readonly insert: SqlStatement;

  constructor(
    private readonly host: ProjectorHost,
    private readonly progress: ProgressProjector,
  ) {
    const t = ADJUSTMENT_TABLES.in(host.schema);
    this.insert = host.db.prepare(
      `INSERT INTO ${t.adjustments} (position, kind, reference, eff, rec, recorded_at, actor, actor_role, decision_number, decision_issuer,
         decision_date, unit, district, province, component, other_component, stream, activity_id, amount, from_kind, to_kind, counterpart,
         reason, recorded_days_after_effect, activity_disbursed_before)
       VALUES (${placeholders(25)})`,
    );
  }

  apply(event: RecordedEvent): void {
    const a = adjustmentOf(event as RecordedLedger, this.host.ctx, this.progress.documentBefore(event));
    if (!a) return;
    this.insert.run(
      a.position,
      a.kind,
      a.reference,
      dateToInt(a.effectiveDate),
      Date.parse(a.recordedAt),
      a.recordedAt,
      a.actorId,
      a.actorRole,
      a.decision?.number ?? null,
      a.decision?.issuer ?? null,
      a.decision?.date ?? null,
      a.unit,
      a.district,
      a.province,
      a.component,
      a.otherComponent,
      a.stream,
      a.activityId,
      a.amount === null ? null : centsParam(a.amount),
      a.fromKind,
      a.toKind,
      a.counterpart,
      a.reason,
      a.recordedDaysAfterEffect,
      a.activityDisbursedBefore === null ? null : centsParam(a.activityDisbursedBefore),
    );
  }

  flush(): void {}

  committed(): void {}

  reload(): void {}
}
