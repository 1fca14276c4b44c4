import type { NoteRecorded, RecordedEvent } from '../../events';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import type { ProjectionContext } from '../shared/context';

export const NOTE_EVENT_TYPES = ['NoteRecorded'] as const;

/** A note as its row: what it is on, where that is, what it says, who wrote it and when. */
export function noteRow(event: RecordedEvent<NoteRecorded>, ctx: ProjectionContext) {
  const d = event.data;
  const place = ctx.unitPlace(d.unit, d.line?.budgetYear);
  const actor = event.metadata.actor;
  return {
    position: event.position,
    noteId: d.noteId,
    lineStream: d.line ? fundLineStream(d.line) : null,
    activityId: d.activityId ?? null,
    unit: d.unit,
    district: place.district,
    province: place.province,
    text: d.text,
    recordedAt: event.metadata.recordedAt,
    actor: actor.id,
    actorRole: actor.role,
    actorName: actor.name ?? null,
  };
}
