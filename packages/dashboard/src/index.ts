export { createDashboardApp, type DashboardOptions } from './dashboard.app.ts';
export { type DashboardConfig, dashboardEnv } from './dashboard.config.ts';
export { hashPassword, verifyPassword } from './password-hash.ts';
