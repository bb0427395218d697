import { definePlatform } from '../define';
import { labSite } from './site';

/** The editor lab: a demo-build script of its own that serves no platform (its adapter borrows xhs). */
export default definePlatform({ site: labSite, platforms: [] });
