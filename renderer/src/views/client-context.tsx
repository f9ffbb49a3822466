import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ApiEvent, ApiMethod, ApiParams, ApiReturn, GatehouseEvents } from '../../../shared/api-contract';
import type { UiClient } from '../client/ui-client';

const ClientContext = createContext<UiClient | null>(null);
export const ClientProvider = ClientContext.Provider;

export function useClient(): UiClient {
  const c = useContext(ClientContext);
  if (!c) throw new Error('useClient outside ClientProvider');
  return c;
}

/** Subscribes to one event for the component's lifetime; the latest listener is always called. */
export function useEvent<E extends ApiEvent>(event: E, listener: (payload: GatehouseEvents[E]) => void): void {
  const client = useClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(event, (p) => ref.current(p)), [client, event]);
}

export function useConnected(): boolean {
  const client = useClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => client.onConnection(setConnected), [client]);
  return connected;
}

/** True once the server has refused this page's session for good (see UiClient.onSignedOut). */
export function useSignedOut(): boolean {
  const client = useClient();
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => client.onSignedOut?.(() => setSignedOut(true)), [client]);
  return signedOut;
}

export interface Query<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  set: (value: T) => void;
}

/** Calls a method when mounted (and when `key` changes); exposes reload and a setter for event-driven updates. */
export function useQuery<M extends ApiMethod>(method: M, params: ApiParams<M>, key: string = ''): Query<ApiReturn<M>> {
  const client = useClient();
  const [state, setState] = useState<{ data?: ApiReturn<M>; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const paramsRef = useRef(params);
  paramsRef.current = params;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    client.call(method, paramsRef.current).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [client, method, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const set = useCallback((data: ApiReturn<M>) => setState({ data, loading: false }), []);
  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}
