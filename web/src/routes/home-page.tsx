/** Placeholder until the SPA issue: shows the app is served. */
export function HomePage() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto' }}>
      <h1>Relay</h1>
      <p>Real-time chat, background jobs and document conversion that never lose data.</p>
    </main>
  );
}
