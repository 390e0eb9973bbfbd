import { isRouteErrorResponse, useRouteError } from 'react-router';
import { PageError } from './page-error.tsx';

/** The signed-in app's routes' error element. */
export function RouteError() {
  const error = useRouteError();
  return (
    <PageError detail={isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : undefined} />
  );
}
