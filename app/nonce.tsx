import { createContext, useContext } from "react";

// The server makes a fresh nonce per response for the CSP; React renders it into the
// inline scripts Remix needs. In the browser it is empty (browsers hide it anyway).
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
