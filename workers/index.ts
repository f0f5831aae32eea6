/**
 * Every job worker, one module per job type (the file name is the type).
 * The runner registers each with `engine.createWorker(type, createHandler(deps))`.
 */
import applyDeferral from './apply-deferral.js';
import applyExtension from './apply-extension.js';
import classifyOrder from './classify-order.js';
import closeOrder from './close-order.js';
import type { WorkerDeps, WorkerModule } from './deps.js';
import dispatchUnit from './dispatch-unit.js';
import escalate from './escalate.js';
import linkProcedure from './link-procedure.js';
import notify from './notify.js';
import openCoordinationSheet from './open-coordination-sheet.js';
import recordArrival from './record-arrival.js';
import recordBreach from './record-breach.js';
import recordResult from './record-result.js';
import recordSignOff from './record-sign-off.js';
import recordSignature from './record-signature.js';
import redispatch from './redispatch.js';
import scheduleArrival from './schedule-arrival.js';
import setStatus from './set-status.js';

// urgent appeal (加急诉求), paid service (便民有偿服务), complaint (投诉), consultation (咨询), outage notice (停水停电)
import checkPaidScope from './check-paid-scope.js';
import forwardAssistance from './forward-assistance.js';
import issueServiceNotice from './issue-service-notice.js';
import openConsultation from './open-consultation.js';
import openUrgentAppeal from './open-urgent-appeal.js';
import orderRework from './order-rework.js';
import recordComplaintContact from './record-complaint-contact.js';
import recordFee from './record-fee.js';
import recordHandover from './record-handover.js';
import recordOutageBreach from './record-outage-breach.js';
import returnComplaintResult from './return-complaint-result.js';
import routeComplaint from './route-complaint.js';
import scheduleOutageNotice from './schedule-outage-notice.js';
import sendOutageNotice from './send-outage-notice.js';

// quality rectification (工程质量整改), compensation (赔付商谈), smart dispatch (R-DISP-1)
import arrangeDefectConfirmation from './arrange-defect-confirmation.js';
import assignTechnician from './assign-technician.js';
import closeLegacyProblem from './close-legacy-problem.js';
import issueContactSheet from './issue-contact-sheet.js';
import planRectification from './plan-rectification.js';
import proposeTechnician from './propose-technician.js';
import recordAuthorisation from './record-authorisation.js';
import recordContactSheetStep from './record-contact-sheet-step.js';
import recordNegotiationRound from './record-negotiation-round.js';
import recordOverdue from './record-overdue.js';
import recordProgress from './record-progress.js';
import recordStep from './record-step.js';
import registerClaim from './register-claim.js';
import registerLegacyProblem from './register-legacy-problem.js';
import reopenRectification from './reopen-rectification.js';
import settleClaim from './settle-claim.js';

export type { WorkerDeps, WorkerModule } from './deps.js';

export const workers: readonly WorkerModule[] = [
  applyDeferral,
  applyExtension,
  classifyOrder,
  closeOrder,
  dispatchUnit,
  escalate,
  linkProcedure,
  notify,
  openCoordinationSheet,
  recordArrival,
  recordBreach,
  recordResult,
  recordSignOff,
  recordSignature,
  redispatch,
  scheduleArrival,
  setStatus,
  // urgent appeal, paid service, complaint, consultation, outage notice
  checkPaidScope,
  forwardAssistance,
  issueServiceNotice,
  openConsultation,
  openUrgentAppeal,
  orderRework,
  recordComplaintContact,
  recordFee,
  recordHandover,
  recordOutageBreach,
  returnComplaintResult,
  routeComplaint,
  scheduleOutageNotice,
  sendOutageNotice,
  // quality rectification (工程质量整改), compensation (赔付商谈), smart dispatch (R-DISP-1)
  arrangeDefectConfirmation,
  assignTechnician,
  closeLegacyProblem,
  issueContactSheet,
  planRectification,
  proposeTechnician,
  recordAuthorisation,
  recordContactSheetStep,
  recordNegotiationRound,
  recordOverdue,
  recordProgress,
  recordStep,
  registerClaim,
  registerLegacyProblem,
  reopenRectification,
  settleClaim,
];

export function workerFor(type: string): WorkerModule | undefined {
  return workers.find((worker) => worker.type === type);
}

/** Handlers by job type, built from one set of dependencies. */
export function createHandlers(deps: WorkerDeps): Map<string, ReturnType<WorkerModule['createHandler']>> {
  return new Map(workers.map((worker) => [worker.type, worker.createHandler(deps)]));
}
