import { createBrowserRouter } from 'react-router';
import { HomePage } from './home-page.tsx';

export const router = createBrowserRouter([{ path: '/', element: <HomePage /> }]);
