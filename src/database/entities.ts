import { PlatformInstance } from '../system/platform-instance.entity.js';

/** Every entity of the application, listed explicitly (no folder scanning at runtime). */
export const ENTITIES = [PlatformInstance];
