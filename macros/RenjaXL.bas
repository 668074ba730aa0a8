Attribute VB_Name = "RenjaXL"
' Tombol Renja XL. Satu Sub per tombol di sheet Petunjuk; masing-masing memanggil Python melalui add-in
' xlwings: RunPython "import renja_xl.frontends.excel as x; x.recalc()" dan seterusnya.
'
' RunPython dipanggil terlambat (late-bound) dengan Application.Run "'xlwings.xlam'!RunPython", bukan
' lewat Tools > References ke proyek VBA add-in. Referensi menyimpan jalur berkas xlwings.xlam di komputer
' pembuat dan patah ("MISSING: xlwings") di komputer lain atau setelah xlwings diperbarui; Application.Run
' hanya mencari add-in yang terbuka bernama xlwings.xlam, apa pun versi dan folder pemasangannya. Bila
' add-in tidak ada, pengguna mendapat pesan yang jelas, bukan galat kompilasi VBA.
'
' Sumber ini disalin apa adanya ke templates_xlsx/*.xlsm oleh: renja-xl build-xlsm
Option Explicit

Public Const RENJA_XL_VERSI As String = "0.1.0"
Private Const ADDIN As String = "xlwings.xlam"

Public Sub HitungUlang()
    JalankanPython "import renja_xl.frontends.excel as x; x.recalc()"
End Sub

Public Sub Validasi()
    JalankanPython "import renja_xl.frontends.excel as x; x.validate()"
End Sub

Public Sub BuatNarasi()
    JalankanPython "import renja_xl.frontends.excel as x; x.chapters()"
End Sub

Public Sub ImporSIPD()
    JalankanPython "import renja_xl.frontends.excel as x; x.import_sipd()"
End Sub

' Memeriksa pemasangan tanpa Python: menulis versi Renja XL buku kerja ini dan keadaan add-in xlwings
' ke sel bernama RenjaXL_Diagnosa di sheet Petunjuk.
Public Sub PeriksaPemasangan()
    Dim ws As Object
    Dim wb As Object
    Dim keadaan As String
    Set ws = ThisWorkbook.Worksheets("Petunjuk")
    On Error Resume Next
    Set wb = Application.Workbooks(ADDIN)
    On Error GoTo 0
    If wb Is Nothing Then
        keadaan = "add-in xlwings tidak ditemukan"
    Else
        keadaan = "add-in xlwings terpasang"
    End If
    ws.Unprotect
    ws.Range("RenjaXL_Diagnosa").Value = "Renja XL " & RENJA_XL_VERSI & "; " & keadaan
    ws.Protect
End Sub

Private Sub JalankanPython(ByVal perintah As String)
    On Error GoTo Gagal
    Application.Run "'" & ADDIN & "'!RunPython", perintah
    Exit Sub
Gagal:
    MsgBox "Renja XL tidak dapat menjalankan Python melalui add-in xlwings." & vbCrLf & vbCrLf & _
        "Periksa: (1) Python dan renja-xl terpasang (pip install renja-xl); " & _
        "(2) add-in terpasang: jalankan 'xlwings addin install' di Command Prompt lalu buka ulang Excel; " & _
        "(3) tab xlwings pada pita Excel menunjuk ke Python yang benar (Interpreter)." & vbCrLf & vbCrLf & _
        "Rincian: " & Err.Description, vbCritical, "Renja XL " & RENJA_XL_VERSI
End Sub
