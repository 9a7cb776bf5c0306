/** The routes an express app answers, found by walking its router stack (mount paths included). */
export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

export function routesOf(app: { router: { stack: Layer[] } }): RouteInfo[] {
  const found: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths)
          for (const [method, on] of Object.entries(layer.route.methods))
            if (on && method !== '_all') found.push({ method: method.toUpperCase(), path: prefix + p });
      } else if (layer.handle?.stack) {
        const mounts = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
        for (const m of mounts) walk(layer.handle.stack, prefix + (m === '/' ? '' : m));
      }
    }
  };
  walk(app.router.stack, '');
  return found;
}
