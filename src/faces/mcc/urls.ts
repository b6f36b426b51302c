export const SOAP_PATH = '/mc/cxf/soap';
export const REST_PATH = '/mc/cxf/rest';
export const JSON_PATH = `${REST_PATH}/json`;

export { baseUrl } from '../http.js';
