export { dashboardRouter, DASHBOARD_PATH } from './dashboard.routes.ts';
