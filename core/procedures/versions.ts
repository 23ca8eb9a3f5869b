/**
 * Procedure versions side by side: admins start the newest version of a procedure, and a run moves only under the
 * version it started with (core/engine/transition.ts), so lists of modules may hold earlier versions for the runs
 * still on them (catalog.ts PROCEDURE_VERSIONS).
 */
import type { ProcedureModule } from './types.js';

/** The newest version of each procedure among `modules`, in the order the procedures first appear. */
export function newestVersions(modules: readonly ProcedureModule[]): ProcedureModule[] {
  const newest = new Map<string, ProcedureModule>();
  for (const m of modules) {
    const seen = newest.get(m.procedure.id);
    if (!seen || m.procedure.version > seen.procedure.version) newest.set(m.procedure.id, m);
  }
  return [...newest.values()];
}

/** The version a run started with, among `modules` (undefined when it is not there). */
export function moduleOfRun(
  modules: readonly ProcedureModule[],
  run: { readonly procedureId: string; readonly procedureVersion: number },
): ProcedureModule | undefined {
  return modules.find(
    (m) => m.procedure.id === run.procedureId && m.procedure.version === run.procedureVersion,
  );
}
