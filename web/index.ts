// Public entry point of the website.
export { webRoutes } from './routes.js';
