// Types of engine-note.js (plain JavaScript, run before anything is built).
export declare function npmNodeVersion(userAgent: string | undefined): [number, number, number] | undefined;
export declare const PACKAGES_NEED: readonly [number, number, number];
export declare function engineNote(userAgent: string | undefined, runtimeVersion: string): string | undefined;
