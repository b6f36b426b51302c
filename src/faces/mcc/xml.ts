/** JAXB names a type after its Java class with the first letter lowered (StartSessionResult → startSessionResult). */
export const jaxbName = (javaName: string) => javaName.charAt(0).toLowerCase() + javaName.slice(1);
