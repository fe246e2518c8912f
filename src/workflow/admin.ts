/** The one admin API call the endpoint needs: registering itself as a deployment. */

export interface Deployment {
  readonly id: string;
  readonly services: readonly string[];
}

/**
 * POST {admin}/deployments. `force: true` replaces a deployment already registered at this URL, so
 * re-registering after a code change (new handler options, new stages) works instead of failing
 * with a conflict.
 */
export async function registerDeployment(adminUrl: string, endpointUrl: string): Promise<Deployment> {
  let response: Response;
  try {
    response = await fetch(new URL('deployments', withSlash(adminUrl)), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: endpointUrl, force: true }),
    });
  } catch (error) {
    // fetch says only "fetch failed"; the cause (ECONNREFUSED …) is what a person can act on.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`cannot reach the Restate admin API at ${adminUrl}: ${cause}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`registering ${endpointUrl} at ${adminUrl} failed: HTTP ${response.status} ${text}`);
  }
  const body = JSON.parse(text) as { id?: unknown; services?: unknown };
  const services = Array.isArray(body.services)
    ? body.services.map((service: unknown) =>
        typeof service === 'object' && service !== null ? String((service as { name?: unknown }).name) : String(service),
      )
    : [];
  return { id: typeof body.id === 'string' ? body.id : '', services };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
