import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { headerLines, ResourcesDocument } from '../layout';
import { narrative } from '../narrative';

const FONT = 'Times New Roman';

/**
 * Bản dự thảo: the figure sentences of the narrative report as a Word document (docx), in Times New Roman 13 as
 * district offices write, to paste into the report. Ends with where in the log the figures were computed.
 */
export async function writeDocx(doc: ResourcesDocument): Promise<Buffer> {
  const r = doc.report;
  const p = doc.provenance;
  const paragraphs: Paragraph[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: `DỰ THẢO SỐ LIỆU BÁO CÁO: ${r.programmeName.toUpperCase()}`, bold: true })],
    }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: `${r.unitName} (${r.params.unit}), năm ${r.params.budgetYear}`, italics: true })] }),
  ];
  for (const para of narrative(r)) {
    if (para.kind === 'heading') paragraphs.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: para.text, bold: true, font: FONT })] }));
    else paragraphs.push(new Paragraph({ indent: para.kind === 'line' ? { left: 360 } : undefined, spacing: { after: 120 }, alignment: AlignmentType.JUSTIFIED, children: [new TextRun(para.text)] }));
  }
  paragraphs.push(
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: 'Nguồn số liệu', bold: true, font: FONT })] }),
    ...headerLines(doc).map((line) => new Paragraph({ children: [new TextRun({ text: line, italics: true, size: 22 })] })),
    new Paragraph({
      children: [
        new TextRun({
          text: `Mọi số liệu trên do sổ cái tính tại vị trí ${p.position}; bảng số liệu kèm truy vấn của từng ô: GET /reports/resources?unit=${r.params.unit}&budgetYear=${r.params.budgetYear}&from=${r.params.from}&asOf=${r.params.asOf}${r.params.knownAt ? `&knownAt=${encodeURIComponent(r.params.knownAt)}` : ''}&position=${p.position}&format=xlsx. Chữ ký đầu cây: ${p.treeHead.signature}.`,
          italics: true,
          size: 22,
        }),
      ],
    }),
  );
  const document = new Document({
    creator: 'gnbv-ledger',
    title: `Dự thảo số liệu báo cáo ${r.unitName} ${r.params.budgetYear}`,
    styles: { default: { document: { run: { font: FONT, size: 26 } } } },
    sections: [{ properties: {}, children: paragraphs }],
  });
  return Packer.toBuffer(document);
}
