import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import type { Action } from "@/stores/session";
import { useSession } from "@/stores/session";

declare module "vue-router" {
  interface RouteMeta {
    /** i18n key of the page's title. */
    title?: string;
    /** The action a role needs to use the page; without one, any logged-in user may. */
    action?: Action;
    /** Shown in the side menu. */
    menu?: boolean;
    /** Reachable without log-in. */
    public?: boolean;
  }
}

// The consoles' pages. A page lists the action it needs; the menu shows only the pages the
// user's role may use, and the guard sends anyone else to the forbidden page. The server checks
// every call again: the page only keeps people from buttons that would fail.
export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: "intake",
    name: "intake",
    component: () => import("@/views/AgentConsole.vue"),
    meta: { title: "nav.intake", action: "intake", menu: true },
  },
  {
    path: "dispatch",
    name: "dispatch",
    component: () => import("@/views/DispatcherQueue.vue"),
    meta: { title: "nav.dispatch", action: "dispatch", menu: true },
  },
  {
    path: "workbench",
    name: "workbench",
    component: () => import("@/views/UnitWorkbench.vue"),
    meta: { title: "nav.workbench", action: "sign", menu: true },
  },
  {
    path: "visits",
    name: "visits",
    component: () => import("@/views/VisitQueue.vue"),
    meta: { title: "nav.visits", action: "visit", menu: true },
  },
  {
    path: "orders",
    name: "orders",
    component: () => import("@/views/OrderList.vue"),
    meta: { title: "nav.orders", menu: true },
  },
  {
    path: "orders/:id(\\d+)",
    name: "order",
    component: () => import("@/views/OrderPage.vue"),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: "nav.order" },
  },
  {
    path: "forbidden",
    name: "forbidden",
    component: () => import("@/views/ForbiddenView.vue"),
    meta: { title: "nav.forbidden" },
  },
];

const routes: RouteRecordRaw[] = [
  {
    path: "/login",
    name: "login",
    component: () => import("@/views/LoginView.vue"),
    meta: { title: "nav.login", public: true },
  },
  {
    path: "/",
    component: () => import("@/layouts/ConsoleLayout.vue"),
    children: [{ path: "", name: "home", redirect: () => homeFor() }, ...consoleRoutes],
  },
  {
    path: "/:pathMatch(.*)*",
    name: "not-found",
    component: () => import("@/views/NotFoundView.vue"),
    meta: { title: "nav.notFound", public: true },
  },
];

/** The first menu page the user may use: where log-in lands. */
export function homeFor(): string {
  const session = useSession();
  const first = consoleRoutes.find((r) => r.meta?.menu && session.can(r.meta.action));
  return `/${first?.path ?? "orders"}`;
}

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.loaded) await session.load();
  if (to.meta.public) return true;
  if (!session.loggedIn) return { name: "login", query: { redirect: to.fullPath } };
  if (!session.can(to.meta.action)) return { name: "forbidden", query: { from: to.fullPath } };
  return true;
});
