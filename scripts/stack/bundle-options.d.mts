import type { BuildOptions } from "esbuild";

export declare const bundleOptions: BuildOptions;

export declare const BUILDS: string;

export declare function buildFolder(pid: number): string;
