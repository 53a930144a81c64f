import { Boxes, Building2, KeyRound, Network } from 'lucide-react';
import { lazy, type ReactNode } from 'react';
import { Route } from 'react-router-dom';
import type { NavItem } from '@/ui';
import type { Role } from './role';

// IT operations: assets (under /inventory, since /assets/* is where the server keeps the bundle's
// hashed files), licences, branches and network diagrams. Each screen is its own chunk.
const AssetList = lazy(() => import('./assets/AssetList'));
const AssetPage = lazy(() => import('./assets/AssetPage'));
const AssetForm = lazy(() => import('./assets/AssetForm'));
const AssetImport = lazy(() => import('./assets/AssetImport'));
const Labels = lazy(() => import('./assets/Labels'));
const LicenceList = lazy(() => import('./licences/LicenceList'));
const LicencePage = lazy(() => import('./licences/LicencePage'));
const BranchList = lazy(() => import('./branches/BranchList'));
const BranchPage = lazy(() => import('./branches/BranchPage'));
const DiagramList = lazy(() => import('./diagrams/DiagramList'));
const DiagramEditor = lazy(() => import('./diagrams/DiagramEditor'));

/** The IT-operations routes, inside the signed-in shell. */
export function itopsRoutes(): ReactNode[] {
  return [
    <Route key="inventory" path="/inventory" element={<AssetList />} />,
    <Route key="inventory-new" path="/inventory/new" element={<AssetForm />} />,
    <Route key="inventory-import" path="/inventory/import" element={<AssetImport />} />,
    <Route key="inventory-labels" path="/inventory/labels" element={<Labels />} />,
    <Route key="inventory-one" path="/inventory/:key" element={<AssetPage />} />,
    <Route key="inventory-edit" path="/inventory/:key/edit" element={<AssetForm />} />,
    <Route key="licences" path="/licences" element={<LicenceList />} />,
    <Route key="licence" path="/licences/:id" element={<LicencePage />} />,
    <Route key="branches" path="/branches" element={<BranchList />} />,
    <Route key="branch" path="/branches/:id" element={<BranchPage />} />,
    <Route key="diagrams" path="/diagrams" element={<DiagramList />} />,
    <Route key="diagram" path="/diagrams/:id" element={<DiagramEditor />} />,
  ];
}

/** The IT-operations entries of the sidebar: staff only (requesters reach an asset by its QR label). */
export function itopsNav(role: Role): NavItem[] {
  if (role === 'requester') return [];
  return [
    { to: '/inventory', label: 'Assets', icon: Boxes },
    { to: '/licences', label: 'Licences', icon: KeyRound },
    { to: '/branches', label: 'Branches', icon: Building2 },
    { to: '/diagrams', label: 'Diagrams', icon: Network },
  ];
}
