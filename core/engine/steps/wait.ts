/** Wait steps: a due time, a poll of Graph, and reminders to the admin. */
import { addBusinessDays } from '../../calendar/business-days.js';
import { tenantCalendar } from '../../calendar/tenant-calendars.js';
import { interpolate } from '../../procedures/text.js';
import type { Results, WaitStep } from '../../procedures/types.js';
import { requestIdsOf } from '../call-result.js';
import type { StepKindModule, Tx } from './step-kind.js';
import {
  audit,
  cancelReminder,
  ctx,
  issueCalls,
  mergeFacts,
  nextOf,
  outcomeFields,
  reminderKey,
  remindOnFailure,
  schedule,
  setResult,
  textParams,
} from './tx.js';

function logicOf(t: Tx, step: WaitStep) {
  const logic = t.m.logic.waits[step.logic];
  if (!logic) throw new Error(`no wait logic ${step.logic}`);
  return logic;
}

function issuePoll(t: Tx, step: WaitStep, interactive: boolean): void {
  issueCalls(t, step.id, 'poll', logicOf(t, step).poll(ctx(t)), 'read', 1, t.iso, interactive);
}

function completePoll(t: Tx, step: WaitStep, results: Results, interactive: boolean): void {
  const { d } = t;
  const outcome = logicOf(t, step).interpretPoll(ctx(t), results);
  mergeFacts(t, outcome);
  const prev = d.stepResults[step.id];
  const pollReminderId = reminderKey(d.id, step.id, 'poll');
  const requestIds = requestIdsOf(results);
  if (outcome.satisfied) {
    cancelReminder(t, pollReminderId);
    const keep = new Set((step.keepRemindersUntilEnd ?? []).map((r) => reminderKey(d.id, step.id, r)));
    for (const r of step.reminders) {
      const id = reminderKey(d.id, step.id, r.id);
      if (!keep.has(id)) cancelReminder(t, id);
    }
    setResult(t, step.id, 'done', { ...prev, ...outcomeFields(outcome), requestIds });
    audit(t, 'wait.satisfied', 'ok', { stepId: step.id, requestIds, objectIds: outcome.objectIds ?? [] });
    t.enter(nextOf(t, step));
    return;
  }
  if (outcome.failed) {
    // Stop polling and the wait's own reminders: the admin is told now, and retries once it is fixed.
    cancelReminder(t, pollReminderId);
    for (const r of step.reminders) cancelReminder(t, reminderKey(d.id, step.id, r.id));
    const error = { code: 'graph_unexpected' as const, message: outcome.summary.en };
    d.pending = { kind: 'error', stepId: step.id, stage: 'poll', error, summary: outcome.summary };
    setResult(t, step.id, 'failed', { ...prev, ...outcomeFields(outcome), requestIds });
    audit(t, 'wait.failed', 'failed', { stepId: step.id, requestIds });
    if (step.onFailure) remindOnFailure(t, step.id, step.onFailure, { requestIds });
    t.wantsRender = true;
    return;
  }
  const since = Date.parse(prev?.since ?? t.iso);
  const nextPollAt = t.now + step.pollEveryMs;
  // Past the polling window Sesame stops asking Graph every hour; "check now" still polls once.
  const keepPolling = step.pollForMs === undefined || nextPollAt - since <= step.pollForMs;
  if (keepPolling) schedule(t, pollReminderId, nextPollAt, 'engine.poll', { stepId: step.id }, false);
  else if (!prev?.pollingStopped) {
    audit(t, 'wait.polling-stopped', 'ok', { stepId: step.id, pollForMs: step.pollForMs });
    t.wantsRender = true;
  }
  d.pending = {
    kind: 'wait',
    stepId: step.id,
    dueAt: prev?.dueAt ?? t.iso,
    ...(keepPolling ? { nextPollAt: new Date(nextPollAt).toISOString() } : {}),
    pollReminderId,
  };
  setResult(t, step.id, 'waiting', {
    ...prev,
    ...outcomeFields(outcome),
    requestIds,
    ...(keepPolling ? {} : { pollingStopped: true }),
  });
  if (interactive) t.wantsRender = true;
}

export const waitKind: StepKindModule<WaitStep> = {
  kind: 'wait',
  enter(t, step) {
    const { d } = t;
    const dueAt =
      'businessDays' in step.due
        ? addBusinessDays(t.now, step.due.businessDays, {
            // The tenant's calendar, when the run has one, rather than the procedure's default.
            timeZone: d.calendar ? tenantCalendar(d.calendar).timeZone : step.due.timeZone,
            holidays: d.calendar ?? step.due.holidays,
          })
        : t.now + step.due.durationMs;
    setResult(t, step.id, 'waiting', { dueAt: new Date(dueAt).toISOString(), since: t.iso });
    const params = { ...textParams(t), dueAt: new Date(dueAt).toISOString(), stepId: step.id };
    for (const r of step.reminders) {
      const at = r.at === 'due' ? dueAt : t.now + r.at.afterMs;
      // The step result already holds dueAt, so the procedure's params can format it.
      const text = {
        fr: interpolate(r.message.fr, t.m.logic.textParams(ctx(t), 'fr')),
        en: interpolate(r.message.en, t.m.logic.textParams(ctx(t), 'en')),
      };
      schedule(t, reminderKey(d.id, step.id, r.id), at, r.messageKey, params, true, text);
    }
    audit(t, 'wait.started', 'ok', { stepId: step.id, dueAt: new Date(dueAt).toISOString() });
    issuePoll(t, step, true);
  },
  onAnswer(t, step, { results, interactive }) {
    completePoll(t, step, results, interactive);
  },
  onRetry(t, step) {
    issuePoll(t, step, true);
  },
  onTimer(t, step, reminderId) {
    const { d } = t;
    const p = d.pending;
    if (p?.kind === 'wait' && p.stepId === step.id && p.pollReminderId === reminderId) {
      issuePoll(t, step, false);
      return true;
    }
    // The wait's own reminder (the proactive message is the bot's job): remember the wait is overdue.
    const reminder = step.reminders.find((r) => reminderKey(d.id, step.id, r.id) === reminderId);
    if (!reminder) return false;
    const prev = d.stepResults[step.id];
    if (reminder.at === 'due' && prev) setResult(t, step.id, prev.status, { ...prev, overdue: true });
    audit(t, 'reminder.due', 'ok', {
      stepId: step.id,
      reminder: reminder.id,
      messageKey: reminder.messageKey,
    });
    return true;
  },
};
