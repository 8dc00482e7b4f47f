import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api, must, setCsrfToken, type Schemas } from "@/api/client";

export type Action = Schemas["Action"];

export interface Me {
  id: number;
  username: string;
  role: string;
  role_label: string;
  unit: string;
  actions: Action[];
}

// Who is logged in, from the server's /me. `loaded` is false until the first answer, so the
// router waits for it instead of showing log-in to a user whose cookie is still good.
export const useSession = defineStore("session", () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);
  const expired = ref(false);

  const loggedIn = computed(() => me.value !== null);
  const can = (action: Action | undefined): boolean =>
    action === undefined || (me.value?.actions.includes(action) ?? false);

  async function load(): Promise<void> {
    const { data, response } = await api.GET("/api/v1/me");
    if (response.ok && data) {
      me.value = data as Me;
      setCsrfToken(data.csrf_token ?? "");
    } else {
      me.value = null;
    }
    loaded.value = true;
  }

  async function login(username: string, password: string): Promise<void> {
    const data = await must(api.POST("/api/v1/auth/session", { body: { username, password } }));
    setCsrfToken(data.csrf_token ?? "");
    expired.value = false;
    await load();
  }

  async function logout(): Promise<void> {
    await api.DELETE("/api/v1/auth/session");
    forget();
  }

  /** The server said 401: the session is gone (expired or ended elsewhere). */
  function markExpired(): void {
    if (me.value) expired.value = true;
    forget();
  }

  function forget(): void {
    me.value = null;
    setCsrfToken("");
  }

  return { me, loaded, expired, loggedIn, can, load, login, logout, markExpired };
});
