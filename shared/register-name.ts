/**
 * How a register is named to a person. Its id is an identifier (the default
 * is `register-1`; the manager may set another in the sync settings); a
 * Chinese screen or receipt shows 1 号收银台 for `register-N`, and any other
 * id as the manager set it.
 */
export function registerDisplayName(id: string, language: 'zh' | 'en' = 'zh'): string {
  const numbered = /^register-?(\d{1,4})$/i.exec(id.trim());
  if (numbered) return language === 'zh' ? `${Number(numbered[1])} 号收银台` : `Register ${Number(numbered[1])}`;
  return id;
}
