/** dcmjs ships no types; dcmjs.ts declares the part of its API that Concord uses. */
declare module 'dcmjs' {
  const dcmjs: unknown;
  export default dcmjs;
}
