/** The few fengari (Lua 5.3 VM in JavaScript) calls the GitOps health test makes; fengari ships no types. */
declare module 'fengari' {
  type State = object;
  export const lua: {
    LUA_OK: number;
    lua_pcall(L: State, nargs: number, nresults: number, msgh: number): number;
    lua_getfield(L: State, index: number, key: Uint8Array): number;
    lua_tojsstring(L: State, index: number): string;
    lua_pop(L: State, n: number): void;
  };
  export const lauxlib: {
    luaL_newstate(): State;
    luaL_loadstring(L: State, code: Uint8Array): number;
  };
  export const lualib: { luaL_openlibs(L: State): void };
  export function to_luastring(text: string): Uint8Array;
}
