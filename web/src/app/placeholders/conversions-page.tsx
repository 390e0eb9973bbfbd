import { DocumentIcon } from '../../design/icons.tsx';
import { ComingSoonPage } from './coming-soon-page.tsx';

export function ConversionsPage() {
  return (
    <ComingSoonPage
      title="Conversions"
      emptyTitle="No conversions yet"
      description="Documents you convert to PDF and other formats will appear here, with their progress."
      icon={<DocumentIcon />}
    />
  );
}
