/** The onnxruntime-web files copied (see copy-ort-assets.mjs). */
export declare const ORT_FILES: string[];
/** Folder of onnxruntime-web's dist files. */
export declare function ortDistDir(): string;
/** Copies the files into `outDir` (default platform/app/public/ort); returns the names copied. */
export declare function copyOrtAssets(outDir?: string): string[];
