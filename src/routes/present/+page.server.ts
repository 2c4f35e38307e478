// The stage shows the same data as the dashboard.
export { load } from '../+page.server';
