/** The manager console backend (docs/manager.md). Node only. */
export { configureManager, managerFor, ManagerConsole, MANAGER_SESSION_MINUTES, type ManagerOptions } from './console';
export { MANAGER_COMMANDS } from './commands';
export { buildDashboard } from './dashboard';
export { runWhatIf, buildScenario, readHistory } from './what-if';
export { settingsAt } from './why-ratio';
