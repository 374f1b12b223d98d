// Types of the generated standalone validator (ajv ValidateFunction shape).
export declare const validate: ((data: unknown) => boolean) & { errors?: unknown[] | null };
export default validate;
