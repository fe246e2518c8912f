/** OpenAI's error bodies, word for word where the real API's wording is known. */

export type ApiError = {
  status: number;
  type: string;
  message: string;
  param: string | null;
  code: string | null;
};

export type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export function errorBody(error: ApiError): ErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): ApiError {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}

export const MISSING_KEY: ApiError = {
  status: 401,
  type: 'invalid_request_error',
  message:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  param: null,
  code: null,
};

export const BAD_JSON: ApiError = invalidRequest(
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
);

export function notFound(method: string, path: string): ApiError {
  return { status: 404, type: 'invalid_request_error', message: `Invalid URL (${method} ${path})`, param: null, code: null };
}

export function modelNotFound(model: string): ApiError {
  return {
    status: 404,
    type: 'invalid_request_error',
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    param: null,
    code: 'model_not_found',
  };
}

/** The injected server errors. 502 comes as the HTML page a gateway sends, as the real one does. */
export const SERVER_ERRORS: readonly { status: number; contentType: string; body: string }[] = [
  {
    status: 500,
    contentType: 'application/json',
    body: JSON.stringify(
      errorBody({
        status: 500,
        type: 'server_error',
        message: 'The server had an error while processing your request. Sorry about that!',
        param: null,
        code: null,
      }),
    ),
  },
  {
    status: 502,
    contentType: 'text/html',
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
  },
  {
    status: 503,
    contentType: 'application/json',
    body: JSON.stringify(
      errorBody({
        status: 503,
        type: 'server_error',
        message: 'The engine is currently overloaded, please try again later',
        param: null,
        code: null,
      }),
    ),
  },
];

export type RateLimitRejection = {
  kind: 'requests' | 'tokens';
  tooLarge: boolean;
  limit: number;
  used: number;
  requested: number;
  retryAfter: string;
};

/** OpenAI's 429 wording for RPM / TPM; the organisation is the simulator's. */
export function rateLimited(model: string, rejection: RateLimitRejection): ApiError {
  const what = rejection.kind === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  const message = rejection.tooLarge
    ? `Request too large for ${model} in organization org-llm-sim on ${what}: Limit ${rejection.limit}, Requested ${rejection.requested}. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.`
    : `Rate limit reached for ${model} in organization org-llm-sim on ${what}: Limit ${rejection.limit}, Used ${rejection.used}, Requested ${rejection.requested}. Please try again in ${rejection.retryAfter}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  return { status: 429, type: rejection.kind, message, param: null, code: 'rate_limit_exceeded' };
}
