/** The WSDL targetNamespace when none is configured (existing stubs may need their own: `contract.targetNamespace`). */
export const DEFAULT_TARGET_NAMESPACE = 'http://ws.mcc.tvox.teleniasoft.com/';
