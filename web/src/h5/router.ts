import { createRouter, createWebHistory } from "vue-router";

// The citizen page lives under /h5/ (the server falls back to h5.html there).
export const h5Router = createRouter({
  history: createWebHistory("/h5/"),
  routes: [
    { path: "/", name: "submit", component: () => import("@/h5/SubmitPage.vue") },
    { path: "/receipt/:code", name: "receipt", component: () => import("@/h5/ReceiptPage.vue") },
    { path: "/track/:code?", name: "track", component: () => import("@/h5/TrackPage.vue") },
    { path: "/:pathMatch(.*)*", redirect: "/" },
  ],
  scrollBehavior: () => ({ top: 0 }),
});
