/**
 * The manager commands, as the command handler (app/handlers.ts) runs them:
 * each input has already been validated by its schema in
 * shared/contract-manager.ts.
 */
import type { CommandOutput, ParsedCommandInput } from '../../../shared/contract';
import type { ManagerCommandName } from '../../../shared/contract-manager';
import type { RegisterBackend } from '../app/register';
import { managerFor } from './console';
import { getCustomerDisplay, saveCustomerDisplay } from './customer-display';
import { dashboard } from './dashboard';
import { enrolSync } from './enrol';
import { getDetails, savePrinter, saveStore, saveSync } from './details';
import { discover, testPage } from './printers';
import { cancelExport, exportProgress, exportReport, listShiftReports } from './reports';
import { createStaff, listStaff, renameStaff, resetStaffPin, setStaffDisabled } from './staff';
import { getSettings, listAudit, saveSettings } from './settings';
import { syncLog } from './sync-log';
import { whatIf } from './what-if';
import { cancelWhatIf, startWhatIf, whatIfScenario, whatIfStatus } from './what-if-jobs';
import { whyRatio } from './why-ratio';

type ManagerImplementations = {
  [N in ManagerCommandName]: (backend: RegisterBackend, input: ParsedCommandInput<N>) => CommandOutput<N> | Promise<CommandOutput<N>>;
};

export const MANAGER_COMMANDS: ManagerImplementations = {
  'manager.unlock': (b, i) => managerFor(b).unlock(i.pin),
  'manager.lock': (b) => managerFor(b).lock(),
  'manager.session': (b) => managerFor(b).sessionState(),
  'manager.changePin': (b, i) => managerFor(b).changePin(i.currentPin, i.newPin),
  'manager.clock.confirm': (b, i) => managerFor(b).confirmClock(i.managerPin),
  'manager.settings.get': (b, i) => getSettings(managerFor(b), i),
  'manager.settings.save': (b, i) => saveSettings(managerFor(b), i),
  'manager.audit.list': (b, i) => listAudit(managerFor(b), i),
  'manager.details.get': (b, i) => getDetails(managerFor(b), i),
  'manager.store.save': (b, i) => saveStore(managerFor(b), i),
  'manager.printer.save': (b, i) => savePrinter(managerFor(b), i),
  'manager.sync.save': (b, i) => saveSync(managerFor(b), i),
  'manager.sync.enrol': (b, i) => enrolSync(managerFor(b), i),
  'manager.whyRatio': (b, i) => whyRatio(managerFor(b), i),
  'manager.dashboard': (b, i) => dashboard(managerFor(b), i),
  'manager.whatIf': (b, i) => whatIf(managerFor(b), i),
  'manager.whatIf.start': (b, i) => startWhatIf(managerFor(b), i),
  'manager.whatIf.status': (b, i) => whatIfStatus(managerFor(b), i),
  'manager.whatIf.cancel': (b, i) => cancelWhatIf(managerFor(b), i),
  'manager.whatIf.scenario': (b, i) => whatIfScenario(managerFor(b), i),
  'manager.reports.shifts': (b, i) => listShiftReports(managerFor(b), i),
  'manager.reports.export': (b, i) => exportReport(managerFor(b), i),
  'manager.reports.exportProgress': (b, i) => exportProgress(managerFor(b), i),
  'manager.reports.exportCancel': (b, i) => cancelExport(managerFor(b), i),
  'manager.printer.discover': (b, i) => discover(b, i),
  'manager.printer.testPage': (b, i) => testPage(b, i),
  'manager.staff.list': (b, i) => listStaff(managerFor(b), i),
  'manager.staff.create': (b, i) => createStaff(managerFor(b), i),
  'manager.staff.rename': (b, i) => renameStaff(managerFor(b), i),
  'manager.staff.setDisabled': (b, i) => setStaffDisabled(managerFor(b), i),
  'manager.staff.resetPin': (b, i) => resetStaffPin(managerFor(b), i),
  'manager.customerDisplay.get': (b, i) => getCustomerDisplay(managerFor(b), b.screenControl, i),
  'manager.customerDisplay.save': (b, i) => saveCustomerDisplay(managerFor(b), b.screenControl, i),
  'manager.sync.log': (b, i) => syncLog(managerFor(b), i),
};
