// Types of the generated standalone validator (ajv ValidateFunction shape).
export interface GeneratedValidatorError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}
export declare const validate: ((data: unknown) => boolean) & {
  errors?: GeneratedValidatorError[] | null;
};
export default validate;
